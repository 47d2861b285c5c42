using Parking.Domain.Layout;

namespace Parking.Domain.CompoundFiles;

/// <summary>A compound file checked in full: its layout when it has no problem, else every problem with its place.</summary>
public sealed record CompoundFileCheck(CompoundFile? File, CompoundLayout? Layout, IReadOnlyList<CompoundFileProblem> Problems)
{
    public bool IsValid => Layout is not null && Problems.Count == 0;

    /// <summary>Shape first (the schema), then, if the shape holds, every business rule.</summary>
    public static CompoundFileCheck Run(string json, Func<string, string?>? readSibling = null)
    {
        var read = CompoundFileReader.Read(json, readSibling);
        if (read.File is null)
        {
            return new(null, null, read.Problems);
        }

        var problems = read.Problems.Concat(CompoundFileRules.Validate(read.File)).ToList();
        return problems.Count > 0
            ? new(read.File, null, problems)
            : new(read.File, CompoundFileMapping.ToLayout(read.File), []);
    }
}
