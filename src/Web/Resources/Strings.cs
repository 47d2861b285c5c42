namespace Parking.Web.Resources;

/// <summary>The app's texts: Strings.resx (English) and Strings.zh-CN.resx (Chinese).</summary>
public sealed class Strings;
