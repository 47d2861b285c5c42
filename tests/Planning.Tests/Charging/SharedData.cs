namespace Parking.Planning.Tests.Charging;

/// <summary>
/// The project's shared data: shared/data in the first folder above the one that holds Parking.sln that has it
/// (../shared/data beside a clone; further up for a worktree nested one level deeper).
/// </summary>
internal static class SharedData
{
    public static string File(string name)
    {
        var root = new DirectoryInfo(RepositoryRoot());
        for (var dir = root.Parent; dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "shared", "data", name);
            if (System.IO.File.Exists(path)) return path;
        }
        throw new FileNotFoundException($"No shared/data/{name} in any folder above {root.FullName}.");
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
