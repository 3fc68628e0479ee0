import { syncStatus } from "@/lib/sync/scheduler";
import { SyncPanel } from "./sync-panel";

/** The Overview's sync card (server part: the first state comes with the page, no skeleton). */
export function SyncCard() {
  return <SyncPanel initial={syncStatus()} />;
}
