import type { Beat, MonitorState } from "@/lib/kuma/types";

// Recent heartbeats as a row of bars (oldest left). An inline SVG with a text alternative
// ("last 20 beats: 18 up, 2 down"), so that colour is never the only carrier.

const FILL: Record<MonitorState, string> = {
  up: "fill-emerald-500",
  down: "fill-red-600",
  pending: "fill-amber-500",
  maintenance: "fill-blue-500",
  unknown: "fill-slate-400",
};
const HEIGHT: Record<MonitorState, number> = { up: 16, down: 16, pending: 12, maintenance: 12, unknown: 8 };

export function beatsSummary(beats: Pick<Beat, "state">[]): string {
  if (!beats.length) return "no heartbeats yet";
  const order: MonitorState[] = ["up", "down", "pending", "maintenance", "unknown"];
  const parts = order.map((s) => [s, beats.filter((b) => b.state === s).length] as const).filter(([, n]) => n > 0);
  return `last ${beats.length} beat${beats.length === 1 ? "" : "s"}: ${parts.map(([s, n]) => `${n} ${s}`).join(", ")}`;
}

export function Sparkline({ beats, max = 20, className = "" }: { beats: Pick<Beat, "state" | "time">[]; max?: number; className?: string }) {
  const shown = beats.slice(-max);
  const label = beatsSummary(shown);
  const w = 5;
  const gap = 2;
  const width = max * (w + gap) - gap;
  return (
    <svg role="img" aria-label={label} viewBox={`0 0 ${width} 16`} width={width} height={16} className={`shrink-0 ${className}`} data-sparkline>
      <title>{label}</title>
      {Array.from({ length: max - shown.length }, (_, i) => (
        <rect key={`e${i}`} x={i * (w + gap)} y={14} width={w} height={2} rx={1} className="fill-slate-200 dark:fill-slate-700" />
      ))}
      {shown.map((b, i) => {
        const h = HEIGHT[b.state];
        return <rect key={b.time + i} x={(max - shown.length + i) * (w + gap)} y={16 - h} width={w} height={h} rx={1} className={FILL[b.state]} />;
      })}
    </svg>
  );
}
