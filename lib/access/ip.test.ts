import { describe, expect, it } from "vitest";
import { clientAddress, inRanges, parseIp, parseRanges } from "./ip";

describe("addresses and ranges", () => {
  const tailnet = parseRanges("100.64.0.0/10, fd7a:115c:a1e0::/48 192.168.1.7");

  it("matches IPv4 CIDR, IPv6 CIDR and single addresses", () => {
    expect(inRanges("100.64.0.1", tailnet)).toBe(true);
    expect(inRanges("100.127.255.255", tailnet)).toBe(true);
    expect(inRanges("100.128.0.0", tailnet)).toBe(false);
    expect(inRanges("fd7a:115c:a1e0:ab12::1", tailnet)).toBe(true);
    expect(inRanges("fd7a:115c:a1e1::1", tailnet)).toBe(false);
    expect(inRanges("192.168.1.7", tailnet)).toBe(true);
    expect(inRanges("192.168.1.8", tailnet)).toBe(false);
  });

  it("treats IPv4-mapped IPv6 as the IPv4 address, both ways", () => {
    expect(inRanges("::ffff:100.64.3.4", tailnet)).toBe(true);
    expect(inRanges("::ffff:10.0.0.1", tailnet)).toBe(false);
    expect(inRanges("10.1.2.3", parseRanges("::ffff:10.0.0.0/104"))).toBe(true);
    expect(parseIp("::ffff:127.0.0.1")).toBe(parseIp("127.0.0.1"));
    expect(inRanges("::ffff:6440:1", tailnet)).toBe(true); // 100.64.0.1, hex form
    expect(inRanges("::100.64.0.1", tailnet)).toBe(false); // IPv4-compatible, not mapped
    expect(inRanges("100.64.0.1", parseRanges("::ffff:0:0/95"))).toBe(true);
    expect(inRanges("100.64.0.1", parseRanges("::/96"))).toBe(false);
  });

  it("parses compressed, full and zoned IPv6 forms alike", () => {
    expect(parseIp("::1")).toBe(1n);
    expect(parseIp("0:0:0:0:0:0:0:1")).toBe(1n);
    expect(parseIp("fe80::1%eth0")).toBe(parseIp("fe80::1"));
    expect(parseIp("[2001:db8::1]")).toBe(parseIp("2001:db8:0:0:0:0:0:1"));
    expect(inRanges("::", parseRanges("::/0"))).toBe(true);
    expect(inRanges("8.8.8.8", parseRanges("0.0.0.0/0"))).toBe(true);
    expect(inRanges("2001:db8::1", parseRanges("0.0.0.0/0"))).toBe(false);
  });

  it("refuses malformed entries with a message naming them", () => {
    expect(() => parseRanges("10.0.0.0/33")).toThrow(/10.0.0.0\/33/);
    expect(() => parseRanges("fd00::/129")).toThrow(/prefix/);
    expect(() => parseRanges("example.com")).toThrow(/example.com/);
    expect(() => parseRanges("10.0.0.1/8/2")).toThrow();
    expect(() => parseRanges("1.2.3")).toThrow();
    expect(parseIp("not an ip")).toBeNull();
  });
});

describe("client address", () => {
  const proxies = parseRanges("127.0.0.1,10.0.0.0/8");

  it("uses the socket peer and ignores X-Forwarded-For from an untrusted peer", () => {
    expect(clientAddress("203.0.113.9", "100.64.0.1", proxies)).toBe("203.0.113.9");
    expect(clientAddress("::ffff:203.0.113.9", "100.64.0.1", proxies)).toBe("203.0.113.9");
    expect(clientAddress("203.0.113.9", "100.64.0.1", [])).toBe("203.0.113.9");
  });

  it("takes the right-most untrusted X-Forwarded-For hop behind a trusted proxy", () => {
    expect(clientAddress("127.0.0.1", "100.64.0.1", proxies)).toBe("100.64.0.1");
    // the client forged the left entry; the proxy appended the real address
    expect(clientAddress("127.0.0.1", "100.64.0.1, 198.51.100.4", proxies)).toBe("198.51.100.4");
    expect(clientAddress("127.0.0.1", "198.51.100.4, 10.1.1.1", proxies)).toBe("198.51.100.4");
    expect(clientAddress("::ffff:127.0.0.1", "[fd7a:115c:a1e0::5]:443", proxies)).toBe("fd7a:115c:a1e0::5");
    expect(clientAddress("127.0.0.1", "garbage", proxies)).toBe("invalid");
    expect(clientAddress("127.0.0.1", null, proxies)).toBe("127.0.0.1");
  });
});
