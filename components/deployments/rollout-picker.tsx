"use client";

import { useId, useState } from "react";
import { RolloutButton } from "./start-button";

/** Pick any release and roll it out (the confirmation names the current and the target release). */
export function RolloutPicker({ releases, deployed, held }: { releases: { tag: string; subject: string }[]; deployed: string | null; held: string[] }) {
  const id = useId();
  const [tag, setTag] = useState(releases.find((r) => r.tag !== deployed)?.tag ?? releases[0]?.tag ?? "");
  if (!releases.length) return null;
  const r = releases.find((x) => x.tag === tag);
  return (
    <div className="flex flex-wrap items-end gap-2">
      <label htmlFor={id} className="flex flex-col text-sm">
        <span className="mb-1 font-medium">Release</span>
        <select
          id={id}
          value={tag}
          onChange={(e) => setTag(e.target.value)}
          className="min-h-11 rounded-lg border border-slate-300 bg-white px-3 font-mono dark:border-slate-700 dark:bg-slate-900"
        >
          {releases.map((x) => (
            <option key={x.tag} value={x.tag}>
              {x.tag}
              {x.tag === deployed ? " (deployed)" : held.includes(x.tag) ? " (on hold)" : ""}
            </option>
          ))}
        </select>
      </label>
      <RolloutButton
        to={tag}
        summary={
          <>
            <p>
              {deployed ?? "nothing deployed"} → {tag}: the stacks that differ are brought up; unchanged stacks are not touched.
            </p>
            {r?.subject ? <p className="mt-1 text-slate-700 dark:text-slate-300">&ldquo;{r.subject}&rdquo;</p> : null}
          </>
        }
      />
    </div>
  );
}
