using Parking.Bench.Planning;

// Suites by name: `dotnet run -c Release --project bench/Parking.Bench.Planning -- charging [--days N] [--quick]`.
var suites = new Dictionary<string, Func<string[], int>>(StringComparer.OrdinalIgnoreCase)
{
    ["charging"] = ChargingSuite.Run,
};
if (args.Length == 0 || !suites.TryGetValue(args[0], out var suite))
{
    Console.Error.WriteLine($"usage: Parking.Bench.Planning <{string.Join("|", suites.Keys)}> [options]");
    return 2;
}
return suite(args[1..]);
