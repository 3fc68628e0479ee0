"use client";

import { useEffect, useState } from "react";

export function relative(iso: string, now = Date.now()): string {
  const s = Math.round((now - new Date(iso).getTime()) / 1000);
  const abs = Math.abs(s);
  const fmt = (n: number, u: string) => `${n} ${u}${n === 1 ? "" : "s"}`;
  const out =
    abs < 45
      ? "just now"
      : abs < 3600
        ? fmt(Math.round(abs / 60), "minute")
        : abs < 86400
          ? fmt(Math.round(abs / 3600), "hour")
          : fmt(Math.round(abs / 86400), "day");
  if (out === "just now") return out;
  return s >= 0 ? `${out} ago` : `in ${out}`;
}

/** A relative time with the absolute time on hover; re-renders each minute. */
export function RelativeTime({ iso }: { iso: string | null | undefined }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(t);
  }, []);
  if (!iso) return <span>—</span>;
  return (
    <time dateTime={iso} title={new Date(iso).toLocaleString()} suppressHydrationWarning>
      {relative(iso, now)}
    </time>
  );
}
