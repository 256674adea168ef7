/** `npm run tarball`: builds and packs this package into .pack/authjs-trakt.tgz, where the example apps install it from. */
import { packTarball } from "../e2e/apps.js"

console.log(packTarball())
