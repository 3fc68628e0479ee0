import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { singleton } from "../singleton";

// next-auth's events and callbacks do not see the request; the auth route runs them
// inside this context so that sign-in and sign-out audit events carry the address.
export interface AuthRequestContext {
  ip: string;
}

const store = singleton("access.requestContext", () => new AsyncLocalStorage<AuthRequestContext>());

export function withAuthContext<T>(ctx: AuthRequestContext, fn: () => T): T {
  return store.run(ctx, fn);
}

export function authContext(): AuthRequestContext | undefined {
  return store.getStore();
}
