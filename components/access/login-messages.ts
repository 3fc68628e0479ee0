// Sign-in error codes from next-auth, in words (used by the login page on the server and the form).
const MESSAGES: Record<string, string> = {
  CredentialsSignin: "Wrong user name or password.",
  AccessDenied: "Your account has no role here. Ask an admin to map your user or group in USER_ROLES.",
  OAuthSignin: "The sign-in provider could not be reached. Try again, or use a local account.",
  OAuthCallback: "The sign-in provider's answer could not be checked. Try again.",
  SessionRequired: "Please sign in.",
};

export function messageFor(code: string | undefined | null): string | null {
  if (!code) return null;
  if (MESSAGES[code]) return MESSAGES[code];
  if (/^[A-Z][A-Za-z]+$/.test(code)) return "Sign-in failed. Try again.";
  return code.slice(0, 200); // our own readable messages (e.g. too many attempts)
}
