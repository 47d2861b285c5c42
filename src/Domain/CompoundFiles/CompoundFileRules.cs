using System.Globalization;
using Parking.Domain.Layout;
using Parking.Domain.Membership;

namespace Parking.Domain.CompoundFiles;

/// <summary>
/// The business rules of a compound file, checked after its shape: every problem is reported at once, each at its
/// place, so a property company fixes its spreadsheet in one pass. A file with any problem must change nothing.
/// </summary>
public static class CompoundFileRules
{
    public static IReadOnlyList<CompoundFileProblem> Validate(CompoundFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var problems = new List<CompoundFileProblem>();
        var check = new Checker(file, problems);
        check.Run();
        return problems;
    }

    /// <summary>The place of a field of an entry: <c>spaces[412].lotId</c>, or <c>spaces.csv line 413 (lotId)</c> for a CSV row.</summary>
    internal static string Place(string section, int index, string? origin, string field) =>
        origin is not null
            ? (field.Length == 0 ? origin : $"{origin} ({field})")
            : field.Length == 0 ? $"{section}[{index}]" : $"{section}[{index}].{field}";

    private sealed class Checker(CompoundFile file, List<CompoundFileProblem> problems)
    {
        private readonly Dictionary<string, BuildingEntry> _buildings = new(StringComparer.Ordinal);
        private readonly Dictionary<string, HouseholdEntry> _households = new(StringComparer.Ordinal);
        private readonly Dictionary<string, LotEntry> _lots = new(StringComparer.Ordinal);
        private readonly Dictionary<string, SpaceEntry> _spaces = new(StringComparer.Ordinal);
        private readonly bool _wgs84 = file.Frame == CoordinateFrames.Wgs84;

        public void Run()
        {
            Buildings();
            Households();
            Lots();
            Spaces();
            ChargingAreas();
            Shelters();
            People();
        }

        private void Add(string place, string message) => problems.Add(new CompoundFileProblem(place, message));

        // The rule staff edits keep too, for a kind the file spells right; a misspelt kind is not EV either (and is
        // named at its space as well).
        private static string? NotEv(string spaceId, string kindText) =>
            SpaceEdits.ParseKind(kindText) is { IsSuccess: true } kind
                ? ChargerLayoutRules.NotEvSpace(spaceId, kind.Value)
                : $"space '{spaceId}' is {kindText}, not ev: a charger needs an EV space";

        /// <summary>Registers an id in its section, or reports it as a duplicate of the first entry that used it.</summary>
        private bool Unique<T>(Dictionary<string, T> seen, Dictionary<string, string> places, string id, T entry, string place)
        {
            if (places.TryGetValue(id, out var first))
            {
                Add(place, $"duplicate id '{id}' (first at {first})");
                return false;
            }

            places[id] = place;
            seen[id] = entry;
            return true;
        }

        private void Buildings()
        {
            var places = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < file.Buildings.Count; i++)
            {
                var b = file.Buildings[i];
                Unique(_buildings, places, b.Id, b, Place("buildings", i, null, "id"));
                if (b.Position is { } p)
                {
                    Coordinates(p, Place("buildings", i, null, "position"));
                }
            }
        }

        private void Households()
        {
            var places = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < file.Households.Count; i++)
            {
                var h = file.Households[i];
                Unique(_households, places, h.Id, h, Place("households", i, h.Origin, "id"));
                if (!_buildings.ContainsKey(h.BuildingId))
                {
                    Add(Place("households", i, h.Origin, "buildingId"), $"no building '{h.BuildingId}'");
                }

                if (h.AreaM2 <= 0)
                {
                    Add(Place("households", i, h.Origin, "areaM2"), "area must be positive");
                }

                if (string.IsNullOrWhiteSpace(h.Unit))
                {
                    Add(Place("households", i, h.Origin, "unit"), "unit must not be empty");
                }
            }
        }

        private void Lots()
        {
            var places = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < file.Lots.Count; i++)
            {
                var lot = file.Lots[i];
                Unique(_lots, places, lot.Id, lot, Place("lots", i, null, "id"));
                for (var p = 0; p < lot.Outline.Count; p++)
                {
                    Coordinates(lot.Outline[p], Place("lots", i, null, $"outline[{p}]"));
                }

                if (Geometry.Area(CompoundFileMapping.ToLocal(file, lot.Outline)) < 1e-6)
                {
                    Add(Place("lots", i, null, "outline"), "the outline encloses no area");
                }

                WalkMeters(lot.WalkMeters, Place("lots", i, null, "walkMeters"));
            }
        }

        private void WalkMeters(IReadOnlyDictionary<string, int>? given, string place)
        {
            foreach (var buildingId in given?.Keys ?? [])
            {
                if (!_buildings.ContainsKey(buildingId))
                {
                    Add($"{place}.{buildingId}", $"no building '{buildingId}'");
                }
            }

            var missing = _buildings.Values.FirstOrDefault(b => b.Position is null && (given is null || !given.ContainsKey(b.Id)));
            if (missing is not null)
            {
                Add(place, $"no walking distance to building '{missing.Id}', and it has no position to derive one from");
            }
        }

        private void Spaces()
        {
            var places = new Dictionary<string, string>(StringComparer.Ordinal);
            var outlines = file.Lots
                .GroupBy(l => l.Id, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => CompoundFileMapping.ToLocal(file, g.First().Outline), StringComparer.Ordinal);
            for (var i = 0; i < file.Spaces.Count; i++)
            {
                var s = file.Spaces[i];
                Unique(_spaces, places, s.Id, s, Place("spaces", i, s.Origin, "id"));
                var kind = SpaceEdits.ParseKind(s.Kind);
                if (!kind.IsSuccess)
                {
                    Add(Place("spaces", i, s.Origin, "kind"), $"'{s.Kind}' is not standard, ev, accessible or visitor");
                }

                var ownership = SpaceEdits.ParseOwnership(s.Ownership);
                if (!ownership.IsSuccess)
                {
                    Add(Place("spaces", i, s.Origin, "ownership"), $"'{s.Ownership}' is not private, common or temporary");
                }
                else if (ownership.Value == SpaceOwnership.Private && s.OwnerHouseholdId is null)
                {
                    Add(Place("spaces", i, s.Origin, "ownerHouseholdId"), "a private space needs the household that owns it");
                }
                else if (ownership.Value != SpaceOwnership.Private && s.OwnerHouseholdId is not null)
                {
                    Add(Place("spaces", i, s.Origin, "ownerHouseholdId"), $"only a private space has an owner household, and this one is {s.Ownership}");
                }

                if (s.OwnerHouseholdId is { } owner && !_households.ContainsKey(owner))
                {
                    Add(Place("spaces", i, s.Origin, "ownerHouseholdId"), $"no household '{owner}'");
                }

                if (s.Heading is { } heading && (heading < 0 || heading >= 360))
                {
                    Add(Place("spaces", i, s.Origin, "heading"), "heading must be at least 0 and below 360 degrees");
                }

                if (!Coordinates(s.Position, Place("spaces", i, s.Origin, "position")))
                {
                    continue;
                }

                if (!outlines.TryGetValue(s.LotId, out var outline))
                {
                    Add(Place("spaces", i, s.Origin, "lotId"), $"no lot '{s.LotId}'");
                }
                else if (!Geometry.Contains(outline, CompoundFileMapping.ToLocal(file, s.Position)))
                {
                    Add(
                        Place("spaces", i, s.Origin, "position"),
                        string.Create(CultureInfo.InvariantCulture, $"[{s.Position.X}, {s.Position.Y}] is outside the outline of lot '{s.LotId}'"));
                }
            }
        }

        private void ChargingAreas()
        {
            var areaPlaces = new Dictionary<string, string>(StringComparer.Ordinal);
            var areas = new Dictionary<string, ChargingAreaEntry>(StringComparer.Ordinal);
            var chargerPlaces = new Dictionary<string, string>(StringComparer.Ordinal);
            var chargers = new Dictionary<string, ChargerEntry>(StringComparer.Ordinal);
            for (var a = 0; a < file.ChargingAreas.Count; a++)
            {
                var area = file.ChargingAreas[a];
                var at = $"chargingAreas[{a}]";
                Unique(areas, areaPlaces, area.Id, area, $"{at}.id");
                if (!_lots.ContainsKey(area.LotId))
                {
                    Add($"{at}.lotId", $"no lot '{area.LotId}'");
                }

                var largest = area.Chargers.Count == 0 ? null : area.Chargers.MaxBy(c => c.MaxKw);
                if (largest is not null && ChargerLayoutRules.FeedBelowCharger(area.FeedKw, largest.Id, largest.MaxKw) is { } small)
                {
                    Add($"{at}.feedKw", small);
                }

                var phases = new ChargingAreaDefinition(area.Id, area.Name, area.LotId, area.FeedKw, [])
                {
                    PhaseLimitKw = area.PhaseLimitKw,
                    PhaseImbalanceKw = area.PhaseImbalanceKw,
                };
                if (ChargerLayoutRules.Phases(phases, at) is { } badPhases)
                {
                    Add(badPhases.Field!, badPhases.Message);
                }

                for (var h = 0; largest is not null && h < (area.FeedKwByHour?.Count ?? 0); h++)
                {
                    var kw = area.FeedKwByHour![h];
                    if (kw > 0 && ChargerLayoutRules.FeedBelowCharger(kw, largest!.Id, largest.MaxKw) is { } smallAtHour)
                    {
                        Add($"{at}.feedKwByHour[{h}]", smallAtHour);
                    }
                }

                for (var c = 0; c < area.Chargers.Count; c++)
                {
                    var charger = area.Chargers[c];
                    var cat = $"{at}.chargers[{c}]";
                    Unique(chargers, chargerPlaces, charger.Id, charger, $"{cat}.id");
                    if (!Enum.TryParse<ChargerPhase>(charger.Phase, ignoreCase: true, out _) || int.TryParse(charger.Phase, out _))
                    {
                        Add($"{cat}.phase", $"'{charger.Phase}' is not three, L1, L2 or L3");
                    }

                    for (var s = 0; s < charger.SpaceIds.Count; s++)
                    {
                        var spaceId = charger.SpaceIds[s];
                        if (!_spaces.TryGetValue(spaceId, out var space))
                        {
                            Add($"{cat}.spaceIds[{s}]", $"no space '{spaceId}'");
                        }
                        else if (NotEv(spaceId, space.Kind) is { } notEv)
                        {
                            Add($"{cat}.spaceIds[{s}]", notEv);
                        }
                        else if (space.LotId != area.LotId)
                        {
                            Add($"{cat}.spaceIds[{s}]", $"space '{spaceId}' is in lot '{space.LotId}', not in the area's lot '{area.LotId}'");
                        }
                    }
                }
            }
        }

        private void Shelters()
        {
            var places = new Dictionary<string, string>(StringComparer.Ordinal);
            var shelters = new Dictionary<string, ShelterEntry>(StringComparer.Ordinal);
            for (var i = 0; i < file.Shelters.Count; i++)
            {
                var shelter = file.Shelters[i];
                Unique(shelters, places, shelter.Id, shelter, Place("shelters", i, null, "id"));
                if (!_buildings.TryGetValue(shelter.NearBuildingId, out var near))
                {
                    Add(Place("shelters", i, null, "nearBuildingId"), $"no building '{shelter.NearBuildingId}'");
                }

                if (shelter.Position is { } p)
                {
                    Coordinates(p, Place("shelters", i, null, "position"));
                }

                // Without its own position a shelter stands at its building's door.
                if (shelter.Position is null && near?.Position is null && shelter.WalkMeters is null)
                {
                    Add(Place("shelters", i, null, "walkMeters"), "no walking distances, and neither the shelter nor its building has a position to derive them from");
                }
                else
                {
                    WalkMeters(shelter.WalkMeters, Place("shelters", i, null, "walkMeters"));
                }
            }
        }

        private void People()
        {
            var places = new Dictionary<string, string>(StringComparer.Ordinal);
            var people = new Dictionary<string, PersonEntry>(StringComparer.Ordinal);
            for (var i = 0; i < file.People.Count; i++)
            {
                var person = file.People[i];
                Unique(people, places, person.Id, person, Place("people", i, null, "id"));
                if (person.Role == "resident" && person.HouseholdId is null)
                {
                    Add(Place("people", i, null, "householdId"), "a resident belongs to a household");
                }

                if (person.HouseholdId is { } household && !_households.ContainsKey(household))
                {
                    Add(Place("people", i, null, "householdId"), $"no household '{household}'");
                }

                for (var v = 0; v < (person.Vehicles?.Count ?? 0); v++)
                {
                    var plate = person.Vehicles![v].Plate;
                    if (!Plate.TryParse(plate, out _))
                    {
                        Add(Place("people", i, null, $"vehicles[{v}].plate"), $"'{plate}' is not a Chinese number plate");
                    }
                }
            }
        }

        private bool Coordinates(Point point, string place)
        {
            if (!double.IsFinite(point.X) || !double.IsFinite(point.Y))
            {
                Add(place, "coordinates must be finite numbers");
                return false;
            }

            if (_wgs84 && (Math.Abs(point.X) > 180 || Math.Abs(point.Y) > 90))
            {
                Add(place, string.Create(CultureInfo.InvariantCulture, $"[{point.X}, {point.Y}] is not a WGS-84 [longitude, latitude]"));
                return false;
            }

            return true;
        }
    }
}
