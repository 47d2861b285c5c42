using System.Security.Cryptography;

namespace Parking.Domain.Ocpp;

/// <summary>
/// A charge point's password as stored: PBKDF2 (SHA-256) of it with a random salt, never the password itself.
/// OCPP's security profile 1 asks for 16 to 40 characters of machine-made secret, so the iteration count
/// guards a random secret against a stolen table, not a weak human password; it is kept modest because
/// thousands of chargers reconnect at once after a power cut.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ChargePointSecret(
    [Id(0)] byte[] Salt,
    [Id(1)] byte[] Hash,
    [Id(2)] int Iterations)
{
    public const int MinLength = 16;
    public const int MaxLength = 40;
    public const int DefaultIterations = 10_000;

    private const int HashBytes = 32;

    /// <summary>Why a password cannot be used (null when it can).</summary>
    public static DomainError? Check(string? password) => password switch
    {
        null or "" => DomainError.Invalid("password", "password-required", "password is required."),
        { Length: < MinLength or > MaxLength } => DomainError.Invalid("password", "password-length", $"password has {MinLength} to {MaxLength} characters."),
        _ when password.Any(c => c < 0x21 || c > 0x7e) => DomainError.Invalid("password", "password-characters", "password uses printable ASCII characters without spaces."),
        _ => null,
    };

    public static ChargePointSecret Create(string password, int iterations = DefaultIterations)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        return new ChargePointSecret(salt, Derive(password, salt, iterations), iterations);
    }

    public bool Matches(string password) =>
        CryptographicOperations.FixedTimeEquals(Derive(password, Salt, Iterations), Hash);

    private static byte[] Derive(string password, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, HashBytes);
}
