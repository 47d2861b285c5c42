using Microsoft.Extensions.Options;

namespace Parking.Grains;

/// <summary>
/// Collects what is wrong with settings, one line per key in the form <c>Section:Key must … .</c>, for every layer's
/// check (the API's, storage's and the silo's): the common rules are written here once, and all of a host's bad keys are
/// reported together. <see cref="Section"/> checks another section into the same list.
/// </summary>
public sealed class SettingsCheck
{
    private readonly string _section;
    private readonly List<string> _failures;

    public SettingsCheck(string section)
        : this(section, [])
    {
    }

    private SettingsCheck(string section, List<string> failures) => (_section, _failures) = (section, failures);

    /// <summary>Every failure found so far, in the order the checks ran.</summary>
    public IReadOnlyList<string> Failures => _failures;

    /// <summary>A check of <paramref name="section"/> that adds to the same failures.</summary>
    public SettingsCheck Section(string section) => new(section, _failures);

    /// <summary>Adds <c>Section:<paramref name="key"/> must <paramref name="must"/>.</c> unless <paramref name="holds"/>.</summary>
    public void That(bool holds, string key, string must)
    {
        if (!holds)
        {
            Refuse(key, "must " + must);
        }
    }

    /// <summary>Adds <c>Section:<paramref name="key"/> <paramref name="why"/>.</c></summary>
    public void Refuse(string key, string why) => _failures.Add($"{_section}:{key} {why}.");

    public void AtLeastOne(string key, long value) => That(value >= 1, key, $"be at least 1 (was {value})");

    public void LongerThanZero(string key, TimeSpan value) => That(value > TimeSpan.Zero, key, $"be longer than zero (was {value})");

    public void NotEmpty(string key, string? value) => That(!string.IsNullOrWhiteSpace(value), key, "not be empty");

    public void Share(string key, double value) => That(value is >= 0 and <= 1, key, $"be a share from 0 to 1 (was {value})");

    /// <summary>The result an <see cref="IValidateOptions{TOptions}"/> returns (checked when the options are first read).</summary>
    public ValidateOptionsResult Result() => _failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_failures);

    /// <summary>For settings read while the host is composed: stops it there, naming every bad key.</summary>
    public void ThrowIfFailed(Type settings)
    {
        if (_failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, settings, _failures);
        }
    }
}
