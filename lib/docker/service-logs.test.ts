// The pure parts of reading a Swarm service's log: the engine's details in front of each line
// (as Docker 20.10 sends them with details=1, copied from a real single-node swarm) and the
// time order of lines that come task after task.
import { describe, expect, it } from "vitest";
import { byTime, type LogLine } from "./logs";
import { splitLogDetails } from "./swarm";

const real =
  "com.docker.swarm.node.id=y612jiumxwiuxa7gbfiuqlvra,com.docker.swarm.service.id=jls46rfenzjulfmsju4nb0wkd,com.docker.swarm.task.id=ilguu1704n393u4f9kh2imfw2 line 12 from b1118be4b12e";

describe("splitLogDetails", () => {
  it("splits the node, service and task ids off a line", () => {
    expect(splitLogDetails(real)).toEqual({
      details: {
        "com.docker.swarm.node.id": "y612jiumxwiuxa7gbfiuqlvra",
        "com.docker.swarm.service.id": "jls46rfenzjulfmsju4nb0wkd",
        "com.docker.swarm.task.id": "ilguu1704n393u4f9kh2imfw2",
      },
      text: "line 12 from b1118be4b12e",
    });
  });

  it("keeps the message as it is: an empty one, one with = and commas, URL-escaped extra details", () => {
    expect(splitLogDetails("com.docker.swarm.task.id=t1 ").text).toBe("");
    expect(splitLogDetails("com.docker.swarm.task.id=t1 a=b, c=d").text).toBe("a=b, c=d");
    const x = splitLogDetails("com.docker.swarm.task.id=t1,region=eu%2Cwest,team=a+b msg");
    expect(x.details).toMatchObject({ region: "eu,west", team: "a b" });
    expect(x.text).toBe("msg");
  });

  it("leaves a line without a task id alone (no details asked for, or a message that looks like them)", () => {
    expect(splitLogDetails("level=info msg=started")).toEqual({ details: {}, text: "level=info msg=started" });
    expect(splitLogDetails("key=value rest")).toEqual({ details: {}, text: "key=value rest" });
    expect(splitLogDetails("plain line")).toEqual({ details: {}, text: "plain line" });
  });
});

describe("byTime", () => {
  const l = (ts: string | null, text: string): LogLine => ({ stream: "stdout", ts, text, error: false });

  it("orders by Docker's timestamps, whose fraction has its trailing zeros cut", () => {
    const lines = [
      l("2026-12-02T18:37:15.5Z", "a2"),
      l("2026-12-02T18:37:15.139341153Z", "b1"),
      l("2026-12-02T18:37:15.50001Z", "b2"),
      l("2026-12-02T18:37:15Z", "a1"),
    ];
    expect(byTime(lines).map((x) => x.text)).toEqual(["a1", "b1", "a2", "b2"]);
  });

  it("is stable: lines of one time keep their order", () => {
    const lines = [l("2026-12-02T18:37:16Z", "x"), l("2026-12-02T18:37:15Z", "1"), l("2026-12-02T18:37:15Z", "2"), l("2026-12-02T18:37:15Z", "3")];
    expect(byTime(lines).map((x) => x.text)).toEqual(["1", "2", "3", "x"]);
  });
});
