using Orleans;

// Domain carries only Orleans' attributes; the serializer's codecs, copiers and activators for its
// [GenerateSerializer] types are generated here, where the serializer itself is referenced. A marker type
// names the assembly. (Planning has no such types: what crosses a grain boundary is a Domain record.)
// Stored members those types keep non-public are internal (InternalsVisibleTo Parking.Grains), since a
// generator cannot see another assembly's private members.
[assembly: GenerateCodeForDeclaringAssembly(typeof(Parking.Domain.TimeWindow))]
