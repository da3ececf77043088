// The entry point `npm start` runs.
import { serve } from "./server.js";

await serve();
