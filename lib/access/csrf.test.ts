import { describe, expect, it } from "vitest";
import { isSameOrigin } from "./csrf";

const h = (o: Record<string, string>) => new Headers(o);

describe("same-origin check", () => {
  it("trusts the browser's Sec-Fetch-Site", () => {
    expect(isSameOrigin(h({ "sec-fetch-site": "same-origin", host: "a" }))).toBe(true);
    expect(isSameOrigin(h({ "sec-fetch-site": "cross-site", origin: "http://a", host: "a" }))).toBe(false);
    expect(isSameOrigin(h({ "sec-fetch-site": "same-site", host: "a" }))).toBe(false);
  });

  it("compares Origin with PUBLIC_URL, or with Host when none is set", () => {
    expect(isSameOrigin(h({ origin: "http://127.0.0.1:3000", host: "127.0.0.1:3000" }))).toBe(true);
    expect(isSameOrigin(h({ origin: "http://evil.example", host: "127.0.0.1:3000" }))).toBe(false);
    expect(isSameOrigin(h({ origin: "https://oresi.ts.net", host: "10.0.0.2:3000" }), "https://oresi.ts.net")).toBe(true);
    expect(isSameOrigin(h({ origin: "http://oresi.ts.net", host: "oresi.ts.net" }), "https://oresi.ts.net")).toBe(false);
  });

  it("refuses a request with neither header, or Origin null", () => {
    expect(isSameOrigin(h({ host: "a" }))).toBe(false);
    expect(isSameOrigin(h({ origin: "null", host: "a" }))).toBe(false);
  });
});
