import Link from "next/link";
import type { ImageChange } from "@/lib/releases/images";
import type { StackChanges } from "@/lib/git/changes";

const chip = "inline-flex items-center gap-1 rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset";

/** The stacks a release changed, as chips: + added, − removed, ~ changed (never colour alone). */
export function StackChips({ changes, prefixLabel = true }: { changes: StackChanges; prefixLabel?: boolean }) {
  const items = [
    ...changes.added.map((s) => ({
      s,
      icon: "+",
      word: "added",
      cls: "bg-emerald-50 text-emerald-900 ring-emerald-600/30 dark:bg-emerald-950 dark:text-emerald-200",
    })),
    ...changes.removed.map((s) => ({ s, icon: "−", word: "removed", cls: "bg-red-50 text-red-900 ring-red-600/30 dark:bg-red-950 dark:text-red-200" })),
    ...changes.changed.map((s) => ({
      s,
      icon: "~",
      word: "changed",
      cls: "bg-slate-100 text-slate-800 ring-slate-500/30 dark:bg-slate-800 dark:text-slate-200",
    })),
  ];
  if (!items.length) return <span className="text-xs text-slate-600 dark:text-slate-400">No stack changed</span>;
  return (
    <ul className="flex flex-wrap gap-1" aria-label={prefixLabel ? "Stacks changed" : undefined}>
      {items.map((i) => (
        <li key={i.s}>
          <Link href={`/stacks/${i.s}`} className={`${chip} ${i.cls} min-h-6 hover:underline`} title={`${i.s} ${i.word}`}>
            <span aria-hidden="true">{i.icon}</span>
            <span className="font-mono">{i.s}</span>
            <span className="sr-only">{i.word}</span>
          </Link>
        </li>
      ))}
    </ul>
  );
}

/** Image changes such as "jellyfin 10.8 → 10.9". */
export function ImageChanges({ images }: { images: ImageChange[] }) {
  if (!images.length) return null;
  return (
    <ul className="flex flex-wrap gap-1" aria-label="Image changes">
      {images.map((i) => (
        <li
          key={`${i.stack}/${i.service}`}
          className={`${chip} bg-blue-50 font-mono text-blue-900 ring-blue-600/30 dark:bg-blue-950 dark:text-blue-100`}
          title={`${i.stack} / ${i.service}: ${i.from ?? "none"} → ${i.to ?? "none"}`}
        >
          {i.label}
        </li>
      ))}
    </ul>
  );
}
