import pytest

from storyscore.music.theory import Key


@pytest.mark.parametrize(
    ("key", "fifths", "name"),
    [
        (Key(0, "major"), 0, "C"),
        (Key(9, "minor"), 0, "A"),
        (Key(2, "dorian"), 0, "D"),
        (Key(6, "major"), 6, "F#"),
        (Key(10, "major"), -2, "Bb"),
        (Key(5, "minor"), -4, "F"),
        (Key(7, "mixolydian"), 0, "G"),
        (Key(5, "lydian"), 0, "F"),
        (Key(4, "phrygian"), 0, "E"),
    ],
)
def test_key_signature_and_spelling(key, fifths, name):
    assert key.fifths == fifths
    assert key.tonic_name == name


def test_degree_pitch_round_trip():
    key = Key(2, "minor")
    for degree in range(-10, 15):
        pitch = key.degree_to_pitch(degree, 62)
        assert key.pitch_to_degree(pitch, 62) == degree


def test_relative_keys():
    assert Key(0, "major").relative() == Key(9, "minor")
    assert Key(9, "minor").relative() == Key(0, "major")


def test_bad_key_is_refused():
    with pytest.raises(ValueError, match="tonic"):
        Key(12, "major")
