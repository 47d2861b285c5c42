Console.WriteLine("Planner benchmarks: no suites yet.");
