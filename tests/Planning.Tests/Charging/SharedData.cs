namespace Parking.Planning.Tests.Charging;

/// <summary>The project's shared data: ../shared/data beside the folder that holds Parking.sln.</summary>
internal static class SharedData
{
    public static string File(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "Parking.sln")))
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", name));
        }
        throw new FileNotFoundException($"No Parking.sln above {AppContext.BaseDirectory}.");
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "Parking.sln"))) return dir.FullName;
        }
        throw new FileNotFoundException($"No Parking.sln above {AppContext.BaseDirectory}.");
    }
}
