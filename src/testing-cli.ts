#!/usr/bin/env node
/**
 * `npx authjs-trakt-standin`: the Trakt stand-in of `authjs-trakt/testing`, for
 * clicking through an app locally with no Trakt app (src/testing/cli.ts).
 */
import { main } from "./testing/cli.js"

void main()
