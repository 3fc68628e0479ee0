"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/** Re-render the server component around it every `seconds` (data comes from the shared Kuma cache). */
export function AutoRefresh({ seconds = 15 }: { seconds?: number }) {
  const router = useRouter();
  useEffect(() => {
    const t = setInterval(() => {
      if (document.visibilityState === "visible") router.refresh();
    }, seconds * 1000);
    return () => clearInterval(t);
  }, [router, seconds]);
  return null;
}
