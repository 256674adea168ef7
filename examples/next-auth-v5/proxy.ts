// Runs Auth.js in front of every page: an expired Trakt token is refreshed
// here, where the new session cookie can be sent (a page cannot set cookies).
export { auth as proxy } from "@/auth"

export const config = {
  // Not for Auth.js's own routes, Next's static files or the favicon.
  matcher: ["/((?!api/auth|_next/static|_next/image|favicon.ico).*)"],
}
