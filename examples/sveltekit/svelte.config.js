import adapter from "@sveltejs/adapter-node"

/** @type {import("@sveltejs/kit").Config} */
export default {
  kit: {
    // `node build` serves the app; it reads PORT and ORIGIN from the environment.
    adapter: adapter(),
  },
}
