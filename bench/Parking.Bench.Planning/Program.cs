using Parking.Bench.Planning;

var suite = args.Length > 0 ? args[0] : "";
return suite switch
{
    "charging" => ChargingSuite.Run(args[1..]),
    "sharing" => SharingSuite.Run(args.Skip(1).ToList()),
    "rebalance" => RebalanceSuite.Run(args.Skip(1).ToList()),
    _ => Usage(),
};

static int Usage()
{
    Console.WriteLine("usage: dotnet run -c Release --project bench/Parking.Bench.Planning -- <suite> [options]");
    Console.WriteLine("suites: charging [--days n] [--from yyyy-MM-dd] [--quick] [--time-limit s] [--no-sweep] [--dense-only] [--no-in-turn]");
    Console.WriteLine("        sharing [--time-limit s] [--workers n] [--candidates n] [--candidates-per-lot n] [--seed n]");
    Console.WriteLine("        rebalance [--time-limit s] [--budget n] [--chargers n] [--seed n] [--all-hours] [--kangcheng]");
    return 2;
}
