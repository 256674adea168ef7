import type { NextConfig } from "next"

const nextConfig: NextConfig = {
  // This app sits inside the authjs-trakt repository, which has a lockfile of its
  // own: without this, Next.js takes the repository as the workspace root.
  // In an app of your own, delete it.
  turbopack: { root: __dirname },
}

export default nextConfig
