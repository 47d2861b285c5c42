using Orleans;

// Domain and Planning carry only Orleans' attributes; the serializer's codecs, copiers and activators for
// their [GenerateSerializer] types are generated here, where the serializer itself is referenced. One marker
// type names each assembly. Stored members those types keep non-public are internal (InternalsVisibleTo
// Parking.Grains), since a generator cannot see another assembly's private members.
[assembly: GenerateCodeForDeclaringAssembly(typeof(Parking.Domain.TimeWindow))]
[assembly: GenerateCodeForDeclaringAssembly(typeof(Parking.Planning.Rebalancing.SuggestedRetype))]
