using System.Globalization;
using Parking.Domain.CompoundFiles;
using Parking.Domain.Seeding;

namespace Parking.Bench;

/// <summary>
/// The compounds of a benchmark sub-district: N demo compounds in sub-district <c>caojiadu</c>, Chengshangcheng-sized
/// (900 spaces, 1,522 households) with every thirteenth Kangcheng-sized (6,000 spaces, 14,000 households), so 80 of
/// them hold about 100,000 spaces. Compound i is <c>cs{i:00}</c> or <c>kc{i:00}</c>, generated with seed 2000 + i, so
/// every run builds the same sub-district. The demo generator gives each household one resident; here about half the
/// households (<see cref="SecondResidentShare"/>) also get a second one without a car of their own, so 80 compounds
/// hold about 300,000 residents, as a sub-district of that size does. Shared as source by bench/Parking.Bench.Import
/// and bench/Parking.Bench.SubDistrict.
/// </summary>
internal static class SubDistrictCompounds
{
    /// <summary>One compound of the sub-district: its id, its file and whether it is Kangcheng-sized.</summary>
    public sealed record Member(string Id, CompoundFile File, bool Large);

    /// <summary>The share of households with a second resident: 196,628 households then hold about 300,000 residents.</summary>
    public const double SecondResidentShare = 0.53;

    /// <param name="sharedIds">As this bench was before session 16: every compound's people keep the generator's ids, so one person is in many compounds.</param>
    public static IReadOnlyList<Member> Generate(int count, bool sharedIds = false)
    {
        var members = new List<Member>(count);
        for (var i = 1; i <= count; i++)
        {
            var large = i % 13 == 0;
            var id = string.Create(CultureInfo.InvariantCulture, $"{(large ? "kc" : "cs")}{i:00}");
            var file = DemoCompoundGenerator.GenerateFile(large ? DemoCompoundSize.Kangcheng : DemoCompoundSize.Chengshangcheng, seed: 2000 + i);
            file = file with
            {
                Compound = file.Compound with { Id = id, Name = (large ? "Kangcheng " : "Chengshangcheng ") + id, SubDistrict = "caojiadu" },
                People = WithSecondResidents(sharedIds ? file.People : OwnIds(file.People, id), new Random(3000 + i)),
            };
            members.Add(new Member(id, file, large));
        }

        return members;
    }

    /// <summary>
    /// The generator names every compound's people alike (<c>r00001</c>, <c>staff01</c>...); in a sub-district they are
    /// different people, so each compound's get ids of their own (<c>cs01-r00001</c>). Only the sub-district's operator
    /// is the same person in every compound. With shared ids, 301,213 residents were some 21,000 people each enrolled
    /// in up to 80 compounds with a car from each, which is not a sub-district and cost the import time that grew with
    /// the number of compounds (every car a person gains re-tells their entry in each compound they belong to).
    /// </summary>
    private static List<PersonEntry> OwnIds(IReadOnlyList<PersonEntry> people, string compoundId) =>
        [.. people.Select(p => string.Equals(p.Role, "operator", StringComparison.OrdinalIgnoreCase) ? p : p with { Id = $"{compoundId}-{p.Id}" })];

    /// <summary>After each resident, a second member of the same household for <see cref="SecondResidentShare"/> of them: id <c>{id}b</c>, no vehicle.</summary>
    private static List<PersonEntry> WithSecondResidents(IReadOnlyList<PersonEntry> people, Random random)
    {
        var all = new List<PersonEntry>((int)(people.Count * (1 + SecondResidentShare)) + 1);
        foreach (var person in people)
        {
            all.Add(person);
            if (person.Role == "resident" && random.NextDouble() < SecondResidentShare)
            {
                all.Add(new PersonEntry(person.Id + "b", person.Name + "（二）", person.Role) { HouseholdId = person.HouseholdId });
            }
        }

        return all;
    }

    /// <summary>Writes each compound to <c>{id}.json</c> in <paramref name="directory"/> and returns the paths, in order.</summary>
    public static async Task<IReadOnlyList<string>> WriteAsync(IReadOnlyList<Member> members, string directory)
    {
        var paths = new List<string>(members.Count);
        foreach (var member in members)
        {
            var path = Path.Combine(directory, member.Id + ".json");
            await File.WriteAllTextAsync(path, CompoundFileReader.Write(member.File));
            paths.Add(path);
        }

        return paths;
    }

    /// <summary>"80 compounds: 74 Chengshangcheng-sized, 6 Kangcheng-sized; 102,600 spaces, 196,628 households, 301,213 residents".</summary>
    public static string Describe(IReadOnlyList<Member> members)
    {
        var large = members.Count(m => m.Large);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{members.Count} compounds: {members.Count - large} Chengshangcheng-sized, {large} Kangcheng-sized; {members.Sum(m => m.File.Spaces.Count):N0} spaces, {members.Sum(m => m.File.Households.Count):N0} households, {members.Sum(m => m.File.People.Count(p => p.Role == "resident")):N0} residents");
    }
}
