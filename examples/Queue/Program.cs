// queue: a persistent array-based FIFO of strings in an existing pool of layout "queue" (PMDK: examples/libpmemobj/queue/queue.c).
using Pmdk.Examples.Queue;

return QueueApp.Run(args, Console.Out, Console.Error);
