using System.CommandLine;
using Parking.Planning.Cli;

var root = new RootCommand("Parking planners on instance files: in-turn charging and shared-parking rounds; the simulator on demo compounds.");
root.Subcommands.Add(ChargingCommand.Create());
root.Subcommands.Add(SharingCommand.Create());
root.Subcommands.Add(SimulateCommand.Create());
return await root.Parse(args).InvokeAsync();
