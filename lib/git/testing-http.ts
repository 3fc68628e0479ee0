// Test helper (never imported by the app): a real smart-HTTP git server (git http-backend as CGI)
// over a folder of bare repositories that demands a token the way GitHub does (Basic x-access-token:TOKEN).
import http from "node:http";
import { execFileSync, spawn } from "node:child_process";
import path from "node:path";

export interface GitHttpServer {
  url: string;
  /** Authorization headers seen, in order. */
  seenAuth: string[];
  close(): Promise<void>;
}

export async function startGitHttpServer(projectRoot: string, token: string): Promise<GitHttpServer> {
  const backend = path.join(execFileSync("git", ["--exec-path"], { encoding: "utf8" }).trim(), "git-http-backend");
  const seenAuth: string[] = [];
  const expected = "Basic " + Buffer.from(`x-access-token:${token}`).toString("base64");
  const server = http.createServer((req, res) => {
    const auth = req.headers.authorization ?? "";
    seenAuth.push(auth);
    if (auth !== expected) {
      res.writeHead(401, { "WWW-Authenticate": 'Basic realm="git"' }).end("no");
      return;
    }
    const url = new URL(req.url!, "http://x");
    const cgi = spawn(backend, [], {
      env: {
        GIT_PROJECT_ROOT: projectRoot,
        GIT_HTTP_EXPORT_ALL: "1",
        PATH_INFO: url.pathname,
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method!,
        CONTENT_TYPE: req.headers["content-type"] ?? "",
        PATH: process.env.PATH!,
      } as unknown as NodeJS.ProcessEnv,
    });
    req.pipe(cgi.stdin);
    let buf = Buffer.alloc(0);
    let headersDone = false;
    cgi.stdout.on("data", (d: Buffer) => {
      if (headersDone) return void res.write(d);
      buf = Buffer.concat([buf, d]);
      const i = buf.indexOf("\r\n\r\n");
      if (i < 0) return;
      headersDone = true;
      let status = 200;
      for (const line of buf.subarray(0, i).toString().split("\r\n")) {
        const [k, ...v] = line.split(":");
        if (k.toLowerCase() === "status") status = parseInt(v.join(":"), 10);
        else res.setHeader(k, v.join(":").trim());
      }
      res.writeHead(status);
      res.write(buf.subarray(i + 4));
    });
    cgi.on("close", () => res.end());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    seenAuth,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
