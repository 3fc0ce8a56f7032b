// The jscodeshift floor the rewrite benchmark compares against: parse every file with the
// transform's parser, print it back (recast reuses the original text of an untouched tree), change
// nothing, and return undefined, so jscodeshift writes nothing. Everything a real jscodeshift
// transform costs beyond this is the transform's own work.
module.exports = function noopTransform(file, api) {
  api.jscodeshift(file.source).toSource();
  return undefined;
};
module.exports.parser = 'tsx';
