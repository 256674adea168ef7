import { signIn, signOut } from "../auth"
import type { Actions } from "./$types"

// The page's two forms post here: `?/signin` (with providerId=trakt) and `?/signout`.
export const actions = { signin: signIn, signout: signOut } satisfies Actions
