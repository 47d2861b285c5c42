using Parking.Planning.Charging;

namespace Parking.Planning.Cli;

/// <summary>The command line's files: Planning reads and writes streams, the CLI opens and creates the files.</summary>
public static class InstanceFiles
{
    public static ChargingInstance ReadCharging(string path)
    {
        using var json = File.OpenRead(path);
        return ChargingJson.ReadInstance(json, path);
    }

    public static void WriteCharging(string path, ChargingInstance instance)
    {
        using var json = File.Create(path);
        ChargingJson.WriteInstance(json, instance);
    }

    public static ChargingInstance ImportAcn(string path, AcnImportOptions options)
    {
        using var sessions = File.OpenRead(path);
        return AcnImporter.Import(sessions, options);
    }
}
