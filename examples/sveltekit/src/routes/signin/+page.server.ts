import { signIn } from "../../auth"
import type { Actions } from "./$types"

// The "Sign in with Trakt" form posts here (providerId=trakt).
export const actions = { default: signIn } satisfies Actions
