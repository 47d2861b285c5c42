namespace Parking.Browser.Tests;

/// <summary>Every browser test shares one silo and one Chromium, and runs one after another (the CI machine has 2 cores).</summary>
[CollectionDefinition(Name)]
public sealed class WebAppCollection : ICollectionFixture<WebAppFixture>
{
    public const string Name = "web app";
}
