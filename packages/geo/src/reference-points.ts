// Ground truth for the end-to-end test location, so a test can check the console's displayed
// easting/northing against the exact OS transformation rather than against our own code.
//
// The OSTN15 value was computed with Geo::Coordinates::OSGB 2.20 (Toby Thurston; Debian package
// libgeo-coordinates-osgb-perl 2.20-2), which embeds the OSTN15 shift grid:
//   perl -MGeo::Coordinates::OSGB=ll_to_grid -e 'printf "%.3f %.3f\n", ll_to_grid(51.50809, -0.12859)'
//   -> 529970.222 180455.219
// Before trusting it, that module was run over all 40 points of the OS OSTN15/OSGM15 developer
// pack (OSTN15_OSGM15_TestInput_ETRStoOSGB.txt -> ..._TestOutput_ETRStoOSGB.txt) and reproduced
// every published easting/northing to the millimetre. (PROJ could not be used: Debian's
// proj-data 9.1 does not ship uk_os_OSTN15_NTv2_OSGBtoETRS.tif.)
// For comparison, wgs84ToBng gives 529971.962 180455.424 here, 1.75 m from the OSTN15 value.

/** Trafalgar Square (WGS84) with its true OSTN15 National Grid position, for end-to-end checks. */
export const TRAFALGAR_SQUARE = {
  lat: 51.50809,
  lon: -0.12859,
  ostn15: { easting: 529970.222, northing: 180455.219 },
} as const;
