// The tests start real servers and some measure time (fail-fast bounds, latency); on a 2-core machine
// they would disturb each other if run in parallel.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
