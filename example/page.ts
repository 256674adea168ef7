/** The demo's one page, signed in or out. Plain HTML: there is nothing to build. */

export interface DemoUser {
  name: string
  username: string
  vip: boolean
  /** Trakt's stable ids.uuid: the demo links accounts by it (`accountId: "uuid"`). */
  accountId: string
  slug: string
  /** When the Trakt access token expires, in epoch seconds. */
  expiresAt?: number
  error?: string
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** What Auth.js's `?error=` codes mean to the person in front of the page. */
const errorMessages: Record<string, string> = {
  OAuthCallbackError: "Sign-in was cancelled at Trakt: access was denied. (Free Trakt accounts can also connect only one app at a time.)",
  AccessDenied: "Sign-in was refused.",
  Configuration: "Sign-in failed: the server could not complete it with Trakt. The server log has the details.",
  RefreshTokenError: "Your Trakt session has ended. Please sign in again.",
}

const style = `
  body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; color: #222 }
  h1 { font-size: 1.6rem } .mode { color: #666; font-size: .9rem }
  button { font-size: 1rem; padding: .6rem 1.2rem; border: 0; border-radius: 6px; cursor: pointer; background: #ed2224; color: #fff }
  button.secondary { background: #444 }
  .error { background: #fde8e8; border: 1px solid #f5b5b5; padding: .8rem 1rem; border-radius: 6px }
  .profile { display: flex; gap: 1.2rem; align-items: center; margin: 1.5rem 0 }
  .profile img { width: 96px; height: 96px; border-radius: 50% }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem } dt { color: #666 }`

/** A POST form with Auth.js's CSRF token, fetched by the browser (it sets the matching cookie). */
const csrfForm = (action: string, label: string, className = "") => `
  <form method="post" action="${action}" data-csrf>
    <input type="hidden" name="csrfToken">
    <input type="hidden" name="callbackUrl" value="/">
    <button type="submit" class="${className}">${label}</button>
  </form>`

const csrfScript = `<script>
  fetch("/auth/csrf").then((r) => r.json()).then(({ csrfToken }) => {
    for (const form of document.querySelectorAll("form[data-csrf]")) form.csrfToken.value = csrfToken
    document.body.dataset.ready = "true"
  })
</script>`

export function renderPage({ user, error, mode }: { user?: DemoUser; error?: string; mode: string }): string {
  const message = error ? (errorMessages[error] ?? `Sign-in failed (${error}).`) : undefined
  const body = user
    ? `<div class="profile">
        <img src="/avatar" alt="Avatar of ${escape(user.username)}" id="avatar">
        <div><h1 id="name">${escape(user.name)}</h1><div>@<span id="username">${escape(user.username)}</span></div></div>
      </div>
      <dl>
        <dt>VIP</dt><dd id="vip">${user.vip ? "yes" : "no"}</dd>
        <dt>Account id (ids.uuid)</dt><dd id="account-id">${escape(user.accountId)}</dd>
        <dt>Slug</dt><dd>${escape(user.slug)}</dd>
        <dt>Access token expires</dt><dd id="expires">${user.expiresAt ? new Date(user.expiresAt * 1000).toUTCString() : "unknown"}</dd>
      </dl>
      ${user.error ? `<p class="error" role="alert">${escape(errorMessages[user.error] ?? user.error)}</p>` : ""}
      ${csrfForm("/auth/signout", "Sign out", "secondary")}`
    : `<h1>authjs-trakt demo</h1>
      <p>Signed out.</p>
      ${message ? `<p class="error" role="alert" id="error">${escape(message)}</p>` : ""}
      ${csrfForm("/auth/signin/trakt", "Sign in with Trakt")}`
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>authjs-trakt demo</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${style}</style></head>
<body>${body}<p class="mode">${escape(mode)}</p>${csrfScript}</body></html>`
}
