// Creates Better Auth's tables (and the Trakt plugin's `traktAvatar` column on
// `account`) when the server starts, before it answers anyone: `next build`
// needs no database, and nothing runs but what the app already has.
export async function register() {
  // The Edge runtime cannot reach PostgreSQL; the routes run on Node.js.
  if (process.env.NEXT_RUNTIME !== "nodejs") return
  const { getMigrations } = await import("better-auth/db/migration")
  const { auth } = await import("@/lib/auth")
  const { runMigrations } = await getMigrations(auth.options)
  await runMigrations()
}
