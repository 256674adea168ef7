import type { ReactNode } from "react"

export const metadata = { title: "Sign in with Trakt: Better Auth example" }

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  )
}
