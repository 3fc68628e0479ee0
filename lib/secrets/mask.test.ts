import { describe, expect, it } from "vitest";
import { CHANGED, MASK, isSecretKey, looksLikeToken, maskEnv, maskFile, maskText, maskYaml } from "./mask";

const PEM_BODY = [
  "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj",
  "MIQcZEQ4x1f7SdwnIQxyPEJoKXdA1XyLfBhlJRBGkNcH0pw5pMvCRqF0mDg2yXsT",
  "ZzQ0XPhOiYVuzXcdjKhM4Tk8vY2Qa0B1c2VySWQ9MTIzNDU2Nzg5MEFCQ0RFRg==",
];
const PEM = ["-----BEGIN PRIVATE KEY-----", ...PEM_BODY, "-----END PRIVATE KEY-----"];
const GH_TOKEN = "ghp_R8sKq2LmZ7xV4nT1pW9cY3bH6fJ0dA5gE2uQ";
const RANDOM_TOKEN = "Zk3Qm8vT2pXr7Lw9Hb4Nc6Yd1Fs5Gj0K";

interface Case {
  name: string;
  file: string;
  text: string;
  secrets: string[];
  kept: string[];
}

// Real-looking secret files: every secret substring must be gone, the context must stay.
const CASES: Case[] = [
  {
    name: "CRLF .env",
    file: "app/.env",
    text: "WEB_TAG=1.2.0\r\nDB_PASSWORD=crlf-hunter2\r\nAPI_TOKEN=tok-crlf-123456\r\nAPP_MODE=prod\r\n",
    secrets: ["crlf-hunter2", "tok-crlf-123456"],
    kept: ["WEB_TAG=1.2.0\r\n", "DB_PASSWORD=", "APP_MODE=prod"],
  },
  {
    name: "lone CR inside a .env line",
    file: ".env",
    text: "A=1\rSMTP_PASS=lone-cr-secret\nTZ=Europe/Berlin\n",
    secrets: ["lone-cr-secret"],
    kept: ["A=1", "TZ=Europe/Berlin"],
  },
  {
    name: "lone CR and U+2028 inside secret values",
    file: ".env",
    text: "DB_PASSWORD=cr-part-1\rcr-part-2\nAPI_TOKEN=ls-part-1\u2028ls-part-2\nX=1\u2028SMTP_PASS=ls-secret-3\nMODE=prod\n",
    secrets: ["cr-part-1", "cr-part-2", "ls-part-1", "ls-part-2", "ls-secret-3"],
    kept: ["MODE=prod", "X=1"],
  },
  {
    name: "lone CR inside compose values",
    file: "compose.yml",
    text: "services:\n  a:\n    environment:\n      DB_PASSWORD: cr-yaml-1\rcr-yaml-2\n      - API_KEY=cr-yaml-3\rcr-yaml-4\n      TZ: UTC\n",
    secrets: ["cr-yaml-1", "cr-yaml-2", "cr-yaml-3", "cr-yaml-4"],
    kept: ["TZ: UTC"],
  },
  {
    name: "multi-line quoted PEM in .env",
    file: "app/.env",
    text: `MODE=prod\nTLS_KEY="${PEM.join("\n")}"\nPORT=8080\n`,
    secrets: PEM_BODY.map((l) => l.slice(0, 30)),
    kept: ["MODE=prod", "TLS_KEY=", "PORT=8080"],
  },
  {
    name: "quoted PEM under a harmless key, CRLF",
    file: ".env",
    text: `GREETING=hi\r\nSERVICE_CERT_AND_STUFF='${PEM.join("\r\n")}'\r\nPORT=8080\r\n`,
    secrets: PEM_BODY.map((l) => l.slice(0, 30)),
    kept: ["GREETING=hi", "PORT=8080"],
  },
  {
    name: "unquoted PEM in .env",
    file: ".env",
    text: `SIGN=${PEM.join("\n")}\nPORT=8080\n`,
    secrets: PEM_BODY.map((l) => l.slice(0, 30)),
    kept: ["PORT=8080"],
  },
  {
    name: "URLs with credentials, DSN, *_PASS",
    file: ".env",
    text: "DATABASE_URL=postgres://u:pw-db-url@db/app\nREDIS_URL=redis://:redis-pw-9@redis:6379/0\nAMQP=amqp://guest:amqp-pw-7@mq:5672\nDSN=mysql://root:dsn-pw-1@tcp(db:3306)/app\nSENTRY_DSN=https://abc123def456@o1.ingest.sentry.io/42\nSMTP_PASS=smtp-pw-2\nSMTP_HOST=mail.example.org\n",
    secrets: ["pw-db-url", "redis-pw-9", "amqp-pw-7", "dsn-pw-1", "abc123def456", "smtp-pw-2"],
    kept: ["REDIS_URL=redis://:", "@redis:6379/0", "amqp://guest:", "@mq:5672", "SMTP_HOST=mail.example.org", "DATABASE_URL=", "DSN="],
  },
  {
    name: "tokens by shape",
    file: ".env",
    text: `GH=${GH_TOKEN}\nRANDOM_THING=${RANDOM_TOKEN}\nHEX=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\nVERSION=2024.11.3\nNAME=oresi-test_web-service-name-2024\n`,
    secrets: [GH_TOKEN, RANDOM_TOKEN, "9f86d081884c7d659a2feaa0c55ad015"],
    kept: ["VERSION=2024.11.3", "NAME=oresi-test_web-service-name-2024"],
  },
  {
    name: "compose environment map, inline secrets",
    file: "web/docker-compose.yml",
    text: [
      "services:",
      "  db:",
      "    image: postgres:16@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
      "    environment:",
      "      POSTGRES_USER: app",
      "      POSTGRES_PASSWORD: map-pw-123",
      '      "MINIO_SECRET_KEY": "quoted-key-secret"',
      "      DATABASE_URL: postgres://app:url-pw-456@db:5432/app",
      "      TZ: Europe/Berlin",
      "      DB_PASSWORD_REF: ${DB_PASSWORD}",
      "    command: ['--requirepass=cmd-pw-1', '--port', '6379']",
      "    healthcheck:",
      "      test: curl -f http://admin:hc-pw-2@localhost/health",
      "    volumes:",
      "      - ./certs/api.key:/run/api.key:ro",
      "    labels:",
      "      - traefik.http.middlewares.auth.basicauth.users=admin:$$apr1$$label-hash",
      "",
    ].join("\n"),
    secrets: ["map-pw-123", "quoted-key-secret", "url-pw-456", "cmd-pw-1", "hc-pw-2", "label-hash"],
    kept: [
      "POSTGRES_USER: app",
      "POSTGRES_PASSWORD:",
      "TZ: Europe/Berlin",
      "image: postgres:16@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
      "DB_PASSWORD_REF: ${DB_PASSWORD}",
      "DATABASE_URL: ••••••••",
      "--port",
      "- ./certs/api.key:/run/api.key:ro",
    ],
  },
  {
    name: "compose environment list, quoted and CRLF",
    file: "compose.yaml",
    text: [
      "services:",
      "  app:",
      "    image: oresi-test/web:1.0.0",
      "    environment:",
      "      - APP_MODE=prod",
      "      - API_KEY=list-key-1",
      '      - "JWT_SECRET=list-secret-2"',
      "      - SMTP_URL=smtp://mailer:list-pw-3@mail:587",
      "      - OIDC_CLIENT_SECRET",
      "    env_file: .env",
      "",
    ].join("\r\n"),
    secrets: ["list-key-1", "list-secret-2", "list-pw-3"],
    kept: [
      "- APP_MODE=prod",
      "- API_KEY=",
      "JWT_SECRET=",
      "smtp://mailer:",
      "@mail:587",
      "- OIDC_CLIENT_SECRET",
      "env_file: .env",
      "image: oresi-test/web:1.0.0",
    ],
  },
  {
    name: "YAML block scalar with a key, flow map, build args, x- anchors",
    file: "docker-compose.yml",
    text: [
      "x-db: &db",
      "  DB_HOST: db",
      "  DB_PASS: anchor-pw-1",
      "services:",
      "  app:",
      "    build:",
      "      context: .",
      "      args:",
      "        NPM_TOKEN: npm-token-arg-9",
      "    environment:",
      "      <<: *db",
      "      SSH_PRIVATE_KEY: |",
      ...PEM.map((l) => `        ${l}`),
      "      NOTE: >",
      "        folded text that is fine",
      "      ADMIN_PASSWORD: >-",
      "        folded-secret-line-1",
      "        folded-secret-line-2",
      "      CERT_BUNDLE: |",
      ...PEM.map((l) => `        ${l}`),
      "      LOG_LEVEL: info",
      "  other:",
      "    environment: { SESSION_SECRET: flow-secret-3, LANG: C.UTF-8 }",
      "secrets:",
      "  db_password:",
      "    file: ./db_password.txt",
      "",
    ].join("\n"),
    secrets: ["anchor-pw-1", "npm-token-arg-9", "folded-secret-line-1", "folded-secret-line-2", "flow-secret-3", ...PEM_BODY.map((l) => l.slice(0, 30))],
    kept: [
      "DB_HOST: db",
      "DB_PASS:",
      "context: .",
      "NOTE: >",
      "folded text that is fine",
      "LOG_LEVEL: info",
      "LANG: C.UTF-8",
      "secrets:",
      "  db_password:",
      "file: ./db_password.txt",
      "CERT_BUNDLE: |",
      "<<: *db",
    ],
  },
  {
    name: "multi-line double-quoted YAML value",
    file: "compose.yml",
    text: 'services:\n  a:\n    environment:\n      API_TOKEN: "first-part-secret\n        second-part-secret"\n      PORT: "8080"\n',
    secrets: ["first-part-secret", "second-part-secret"],
    kept: ['PORT: "8080"', "API_TOKEN:"],
  },
  {
    name: "log and message text",
    file: "deploy.log",
    text: 'web | connecting to postgres://app:log-pw-1@db/app\nAuthorization: Basic YWRtaW46bG9nLXB3LTI=\n{"password":"json-pw-3","user":"bob"}\nrun --db-password log-pw-4 --verbose\nJAVA_OPTS=-Dspring.datasource.password=log-pw-5\n',
    secrets: ["log-pw-1", "YWRtaW46bG9nLXB3LTI=", "json-pw-3", "log-pw-4", "log-pw-5"],
    kept: ["web | connecting to postgres://app:", "@db/app", '"user":"bob"', "--verbose", "JAVA_OPTS="],
  },
];

describe("maskFile: secrets in real-looking files", () => {
  for (const c of CASES) {
    it(c.name, () => {
      const out = maskFile(c.file, c.text);
      for (const s of c.secrets) expect(out, `${c.name}: ${s}`).not.toContain(s);
      for (const k of c.kept) expect(out, `${c.name}: ${k}`).toContain(k);
      expect(out).toContain(c.file.endsWith(".env") || c.file.endsWith(".log") ? "•" : MASK);
      // Masking is stable: masking the masked text changes nothing.
      expect(maskFile(c.file, out)).toBe(out);
    });
  }
});

describe("changed markers", () => {
  it("says when a masked .env value changed, also across CRLF and multi-line values", () => {
    const a = `DB_PASSWORD=a\r\nAPI_TOKEN=t\r\nTLS_KEY="${PEM.join("\n")}"\r\nMODE=prod\r\n`;
    const b = `DB_PASSWORD=b\r\nAPI_TOKEN=t\r\nTLS_KEY="${PEM.slice(0, 2).join("\n")}\nchanged\n${PEM.slice(3).join("\n")}"\r\nMODE=prod\r\n`;
    expect(maskEnv(b, a)).toBe(`DB_PASSWORD=${MASK}${CHANGED}\r\nAPI_TOKEN=${MASK}\r\nTLS_KEY=${MASK}${CHANGED}\r\nMODE=prod\r\n`);
    expect(maskEnv(a)).toBe(`DB_PASSWORD=${MASK}\r\nAPI_TOKEN=${MASK}\r\nTLS_KEY=${MASK}\r\nMODE=prod\r\n`);
    // A URL whose password changed keeps its shape and says so.
    expect(maskEnv("REDIS_URL=redis://:new@r:6379\n", "REDIS_URL=redis://:old@r:6379\n")).toBe(`REDIS_URL=redis://:••••@r:6379${CHANGED}\n`);
  });
  it("says when an inline compose secret changed, per service", () => {
    const yml = (pw: string, other: string) =>
      `services:\n  a:\n    environment:\n      DB_PASSWORD: ${pw}\n  b:\n    environment:\n      - DB_PASSWORD=${other}\n`;
    const out = maskYaml(yml("new-a", "same-b"), yml("old-a", "same-b"));
    expect(out).toBe(`services:\n  a:\n    environment:\n      DB_PASSWORD: ${MASK}${CHANGED}\n  b:\n    environment:\n      - DB_PASSWORD=${MASK}\n`);
  });
});

describe("key names and shapes", () => {
  it("knows secret key names", () => {
    for (const k of [
      "DB_PASSWORD",
      "SMTP_PASS",
      "PASS",
      "MYSQL_ROOT_PASSWD",
      "APP_SECRET",
      "GITHUB_TOKEN",
      "AWS_ACCESS_KEY_ID",
      "STRIPE_KEY",
      "APIKEY",
      "apiKey",
      "DSN",
      "SENTRY_DSN",
      "DATABASE_URL",
      "GOOGLE_CREDENTIALS",
      "PRIVATE_KEY_PEM",
      "DB_PWD",
      "BASIC_AUTH",
      "privateKey",
      "password",
    ])
      expect(isSecretKey(k), k).toBe(true);
    for (const k of ["APP_MODE", "TZ", "WEB_TAG", "KEYCLOAK_URL", "PORT", "PASSPORT_ISSUER", "LOG_LEVEL", "image", "environment", "BYPASS_CACHE"])
      expect(isSecretKey(k), k).toBe(false);
  });
  it("tells tokens from names, versions and paths", () => {
    expect(looksLikeToken(GH_TOKEN)).toBe(true);
    expect(looksLikeToken(RANDOM_TOKEN)).toBe(true);
    for (const s of ["oresi-test_web-service-name-2024", "2024.11.3-alpine", "ghcr.io/acme/web-frontend", "/var/lib/docker/volumes/app_data", "Europe/Berlin"])
      expect(looksLikeToken(s), s).toBe(false);
  });
  it("redacts free text the same way", () => {
    expect(maskText("PASSWORD=x\r\nok")).toBe(`PASSWORD=${MASK}\r\nok`);
    expect(maskText("clone https://bob:pw@git.example/x.git", { urlStyle: "stars" })).toBe("clone https://***@git.example/x.git");
  });
});
