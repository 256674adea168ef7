import { createAuthClient } from "better-auth/react"

// The app and Better Auth share an origin: the client finds /api/auth itself.
export const authClient = createAuthClient()
