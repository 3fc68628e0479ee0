#!/usr/bin/env node
// npm run -s hash-password: print an scrypt hash for ADMIN_PASSWORD_HASH or USERS.
// The password is read from stdin (piped) or a hidden prompt, never from argv
// (argv is visible to every user of the machine in `ps`).
// Same format as lib/access/passwords.ts: scrypt$N$r$p$salt$hash (base64url).
import { randomBytes, scrypt } from "node:crypto";

const N = 1 << 15;
const r = 8;
const p = 1;

function hash(password) {
  const salt = randomBytes(16);
  return new Promise((resolve, reject) =>
    scrypt(password, salt, 32, { N, r, p, maxmem: 256 * N * r }, (e, key) =>
      e ? reject(e) : resolve(`scrypt$${N}$${r}$${p}$${salt.toString("base64url")}$${key.toString("base64url")}`),
    ),
  );
}

function readPiped() {
  return new Promise((resolve) => {
    let data = "";
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (d) => (data += d));
    process.stdin.on("end", () => resolve(data.replace(/\r?\n$/, "")));
  });
}

function prompt(question) {
  return new Promise((resolve) => {
    process.stderr.write(question);
    const stdin = process.stdin;
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding("utf8");
    let pw = "";
    const onData = (ch) => {
      for (const c of ch) {
        if (c === "\r" || c === "\n") {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off("data", onData);
          process.stderr.write("\n");
          return resolve(pw);
        }
        if (c === "\u0003") process.exit(130);
        if (c === "\u007f" || c === "\b") pw = pw.slice(0, -1);
        else pw += c;
      }
    };
    stdin.on("data", onData);
  });
}

if (process.argv.length > 2) {
  process.stderr.write("hash-password takes no arguments: type the password at the prompt or pipe it on stdin.\n");
  process.exit(2);
}
let password;
if (process.stdin.isTTY) {
  password = await prompt("Password: ");
  const again = await prompt("Again: ");
  if (again !== password) {
    process.stderr.write("The passwords differ.\n");
    process.exit(1);
  }
} else {
  password = await readPiped();
}
if (password.length < 8) {
  process.stderr.write("Use at least 8 characters.\n");
  process.exit(1);
}
process.stdout.write((await hash(password)) + "\n");
