import { toNextJsHandler } from "better-auth/next-js"
import { auth } from "@/lib/auth"

// Every Better Auth route, the Trakt callback (/api/auth/callback/trakt) and
// the plugin's avatar route (/api/auth/trakt/avatar) included.
export const { GET, POST } = toNextJsHandler(auth)
