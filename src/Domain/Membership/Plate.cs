namespace Parking.Domain.Membership;

/// <summary>What a mainland Chinese number plate says about the vehicle that carries it.</summary>
public enum PlateKind
{
    /// <summary>Blue or yellow plate: province, issuing letter, five serial characters (<c>沪A12345</c>).</summary>
    Standard,

    /// <summary>Green plate of a small new-energy car: province, letter, D/F-class letter, five more (<c>沪AD12345</c>).</summary>
    NewEnergySmall,

    /// <summary>Green plate of a large new-energy vehicle: province, letter, five digits, D or F (<c>沪A12345D</c>).</summary>
    NewEnergyLarge,

    /// <summary>A standard plate whose last character is a use mark: 学 (driving school), 挂 (trailer), 警 (police), 港 or 澳.</summary>
    Special,
}

/// <summary>
/// A validated mainland Chinese number plate, kept in one canonical spelling (upper case, no spaces, dots or
/// dashes) so the same car read by a gate camera and typed by a resident compares equal.
/// </summary>
[GenerateSerializer, Immutable]
public readonly record struct Plate([Id(0)] string Value, [Id(1)] PlateKind Kind)
{
    /// <summary>The one-character abbreviations of the 31 provincial-level divisions that issue plates.</summary>
    public const string Provinces = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";

    private const string UseMarks = "学挂警港澳";

    // New-energy class letters: D and F first; since 2022 more letters of A–K (no I) are issued for small cars.
    private const string SmallNewEnergyClasses = "ABCDEFGHJK";
    private const string LargeNewEnergyClasses = "DF";

    /// <summary>True when the text is a plate; <paramref name="plate"/> then holds its canonical spelling.</summary>
    public static bool TryParse(string? text, out Plate plate)
    {
        plate = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        Span<char> buffer = stackalloc char[Math.Min(text.Length, 16)];
        var length = 0;
        foreach (var raw in text)
        {
            // Spaces of any kind (a tab or a no-break space pasted from a spreadsheet too) and the separators people
            // and cameras put between the prefix and the serial are not part of the plate.
            if (char.IsWhiteSpace(raw) || raw is '·' or '-' or '•' or '.' or '\u30FB')
            {
                continue;
            }

            if (length == buffer.Length)
            {
                return false;
            }

            buffer[length++] = char.ToUpperInvariant(HalfWidth(raw));
        }

        var chars = buffer[..length];
        if (length is < 7 or > 8 || !Provinces.Contains(chars[0], StringComparison.Ordinal) || !IsIssuingLetter(chars[1]))
        {
            return false;
        }

        var serial = chars[2..];
        PlateKind kind;
        if (length == 8)
        {
            if (SmallNewEnergyClasses.Contains(serial[0], StringComparison.Ordinal) && IsSerialChar(serial[1]) && AllDigits(serial[2..]))
            {
                kind = PlateKind.NewEnergySmall;
            }
            else if (AllDigits(serial[..5]) && LargeNewEnergyClasses.Contains(serial[5], StringComparison.Ordinal))
            {
                kind = PlateKind.NewEnergyLarge;
            }
            else
            {
                return false;
            }
        }
        else if (AllSerial(serial))
        {
            kind = PlateKind.Standard;
        }
        else if (AllSerial(serial[..4]) && UseMarks.Contains(serial[4], StringComparison.Ordinal))
        {
            kind = PlateKind.Special;
        }
        else
        {
            return false;
        }

        plate = new Plate(new string(chars), kind);
        return true;
    }

    /// <summary>The plate, or a validation error on <paramref name="field"/> that says what a plate looks like.</summary>
    public static Outcome<Plate> Parse(string? text, string field = "plate") =>
        TryParse(text, out var plate)
            ? plate
            : DomainError.Invalid(
                field,
                "plate-invalid",
                $"'{text}' is not a Chinese number plate: a province character, an issuing letter and five characters (沪A12345), or six for a new-energy plate (沪AD12345, 沪A12345D).");

    public bool IsNewEnergy => Kind is PlateKind.NewEnergySmall or PlateKind.NewEnergyLarge;

    public override string ToString() => Value ?? string.Empty;

    // A Chinese input method types letters and digits full width (Ａ, １): the same characters as ASCII ones.
    private static char HalfWidth(char c) => c is >= '\uFF01' and <= '\uFF5E' ? (char)(c - 0xFEE0) : c;

    // I and O are never issued as letters on a plate: they read as 1 and 0.
    private static bool IsLetter(char c) => c is >= 'A' and <= 'Z' and not 'I' and not 'O';

    private static bool IsIssuingLetter(char c) => c is >= 'A' and <= 'Z' and not 'I';

    private static bool IsSerialChar(char c) => IsLetter(c) || char.IsAsciiDigit(c);

    private static bool AllSerial(ReadOnlySpan<char> chars)
    {
        foreach (var c in chars)
        {
            if (!IsSerialChar(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool AllDigits(ReadOnlySpan<char> chars)
    {
        foreach (var c in chars)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>What a member may register: a car (with a plate) or an e-bike.</summary>
public enum VehicleType
{
    Car,
    EBike,
}

/// <summary>
/// A vehicle a member registered in Parking: gates match its plate, the charging planner knows whether it is
/// electric. An e-bike's plate is optional (local e-bike plates follow no national format).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record MemberVehicle(
    [Id(0)] VehicleType Type,
    [Id(1)] Plate? Plate,
    [Id(2)] bool IsElectric,
    [Id(3)] string? Label = null)
{
    /// <summary>A car from the plate a person typed: the plate is checked, and a green plate marks it electric.</summary>
    public static Outcome<MemberVehicle> Car(string? plateText, bool isElectric, string? label = null, string field = "plate")
    {
        var plate = Membership.Plate.Parse(plateText, field);
        return plate.Error is { } error
            ? error
            : new MemberVehicle(VehicleType.Car, plate.Value, isElectric || plate.Value.IsNewEnergy, label);
    }

    /// <summary>The longest name of an e-bike (what its owner calls it: colour, make, the sticker on it).</summary>
    public const int MaxEBikeLabel = 40;

    /// <summary>An e-bike, named by its owner (e-bikes carry no plate Parking could check); always electric.</summary>
    public static Outcome<MemberVehicle> EBike(string? label, string field = "label")
    {
        var name = label?.Trim();
        return string.IsNullOrEmpty(name)
            ? DomainError.Invalid(field, "label-required", "Name the e-bike (its colour or make, say) so you can tell your bikes apart.")
            : name.Length > MaxEBikeLabel
                ? DomainError.Invalid(field, "label-too-long", $"An e-bike's name is at most {MaxEBikeLabel} characters.")
                : new MemberVehicle(VehicleType.EBike, null, true, name);
    }
}
