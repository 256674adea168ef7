/**
 * The slice of next-auth v5's and @auth/sveltekit's API that the README uses,
 * so its snippets type-check without installing Next.js or SvelteKit. Both
 * packages take @auth/core's AuthConfig (less `raw`), which is what matters for
 * this provider's part of the snippets.
 */
declare module "next-auth" {
  import type { AuthConfig, Session } from "@auth/core"
  export type NextAuthConfig = Omit<AuthConfig, "raw">
  type Handler = (request: Request) => Promise<Response>
  export default function NextAuth(config: NextAuthConfig): {
    handlers: { GET: Handler; POST: Handler }
    auth: () => Promise<Session | null>
    signIn: (provider?: string, options?: Record<string, unknown>) => Promise<unknown>
    signOut: (options?: Record<string, unknown>) => Promise<unknown>
  }
}

declare module "@auth/sveltekit" {
  import type { AuthConfig } from "@auth/core"
  export type SvelteKitAuthConfig = Omit<AuthConfig, "raw">
  export function SvelteKitAuth(config: SvelteKitAuthConfig): {
    handle: (input: { event: unknown; resolve: unknown }) => Promise<Response>
    signIn: (event: unknown) => Promise<void>
    signOut: (event: unknown) => Promise<void>
  }
}

declare module "$env/dynamic/private" {
  export const env: Record<string, string | undefined>
}
