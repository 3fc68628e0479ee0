// @ts-check
const { execFileSync } = require("node:child_process");
const pkg = require("./package.json");

function gitCommit() {
  if (process.env.GIT_COMMIT) return process.env.GIT_COMMIT;
  try {
    return execFileSync("git", ["rev-parse", "--short=12", "HEAD"], { cwd: __dirname, stdio: ["ignore", "pipe", "ignore"] })
      .toString()
      .trim();
  } catch {
    return "unknown";
  }
}

/** @type {import('next').NextConfig} */
const nextConfig = {
  output: "standalone",
  poweredByHeader: false,
  reactStrictMode: true,
  // `npm test` type-checks with `tsc --noEmit` before it builds, so the build may skip
  // its own (slower, duplicate) pass when ORESI_BUILD_SKIP_TYPECHECK=1 is set.
  typescript: { ignoreBuildErrors: process.env.ORESI_BUILD_SKIP_TYPECHECK === "1" },
  // dockerode pulls in ssh2's native crypto, which Turbopack cannot place in ESM chunks.
  serverExternalPackages: ["dockerode", "docker-modem", "ssh2", "cpu-features", "better-sqlite3"],
  experimental: {
    // Next preloads every route's code when the server starts; load a route when it is first asked
    // for instead (an idle server then holds only what was used: see README, Performance).
    preloadEntriesOnStart: false,
  },
  env: {
    ORESI_VERSION: pkg.version,
    ORESI_COMMIT: gitCommit(),
  },
  async headers() {
    const csp = [
      "default-src 'self'",
      "script-src 'self' 'unsafe-inline'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      "font-src 'self'",
      "connect-src 'self'",
      "frame-ancestors 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "object-src 'none'",
    ].join("; ");
    return [
      {
        source: "/:path*",
        headers: [
          { key: "Content-Security-Policy", value: csp },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
        ],
      },
    ];
  },
};

module.exports = nextConfig;
