/** Process entry (`npm start`): the same service as `pixproxy serve`, configured by CONFIG_FILE and the environment. */
import { runService } from './serve.js';

await runService();
