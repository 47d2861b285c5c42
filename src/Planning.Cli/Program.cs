using System.CommandLine;

var root = new RootCommand("Parking planners on instance files: in-turn charging and shared-parking rounds.");
return await root.Parse(args).InvokeAsync();
