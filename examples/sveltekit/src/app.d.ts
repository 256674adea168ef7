// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
  namespace App {
    // interface Error {}
    // interface Locals {}  (@auth/sveltekit adds `auth()`)
    // interface PageData {}
    // interface PageState {}
    // interface Platform {}
  }
}

declare module "@auth/sveltekit" {
  interface Session {
    /** The user's Trakt username, set in the `session` callback of src/auth.ts. */
    username?: string
  }
}

export {}
