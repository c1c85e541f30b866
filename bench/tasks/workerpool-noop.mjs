// workerpool needs a worker script that registers its functions; the task itself is the same no-op.
import workerpool from 'workerpool';

workerpool.worker({ noop: (x) => x });
