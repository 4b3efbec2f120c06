//! Colours. Three themes: the default, a high-contrast one for projectors, and a monochrome one
//! for `NO_COLOR` that carries every state with modifiers (bold, reverse, crossed out) instead.

use ratatui::style::{Color, Modifier, Style};

/// How healthy something looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    Ok,
    /// Busy but coping (utilisation high, or a failover in progress).
    Busy,
    /// Overloaded or failing requests.
    Hot,
    Down,
    /// Not serving by design (a dormant standby region).
    Idle,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThemeName {
    Default,
    HighContrast,
    Monochrome,
}

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub name: ThemeName,
    pub text: Style,
    pub dim: Style,
    pub title: Style,
    pub accent: Style,
    pub ok: Style,
    pub busy: Style,
    pub hot: Style,
    pub down: Style,
    pub idle: Style,
    pub region_frame: Style,
    pub az_frame: Style,
    pub edge: Style,
    pub selected: Style,
    pub key: Style,
    pub bar: Style,
}

impl Theme {
    pub fn new(name: ThemeName) -> Self {
        match name {
            ThemeName::Default => Self {
                name,
                text: Style::new().fg(Color::Gray),
                dim: Style::new().fg(Color::DarkGray),
                title: Style::new().fg(Color::White).add_modifier(Modifier::BOLD),
                accent: Style::new().fg(Color::Cyan),
                ok: Style::new().fg(Color::Green),
                busy: Style::new().fg(Color::Yellow),
                hot: Style::new()
                    .fg(Color::LightRed)
                    .add_modifier(Modifier::BOLD),
                down: Style::new()
                    .fg(Color::Red)
                    .add_modifier(Modifier::CROSSED_OUT),
                idle: Style::new().fg(Color::DarkGray),
                region_frame: Style::new().fg(Color::Blue),
                az_frame: Style::new().fg(Color::DarkGray),
                edge: Style::new().fg(Color::DarkGray),
                selected: Style::new().add_modifier(Modifier::REVERSED),
                key: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
                bar: Style::new().fg(Color::Gray).bg(Color::Black),
            },
            ThemeName::HighContrast => Self {
                name,
                text: Style::new().fg(Color::White),
                dim: Style::new().fg(Color::Gray),
                title: Style::new().fg(Color::White).add_modifier(Modifier::BOLD),
                accent: Style::new()
                    .fg(Color::LightCyan)
                    .add_modifier(Modifier::BOLD),
                ok: Style::new()
                    .fg(Color::LightGreen)
                    .add_modifier(Modifier::BOLD),
                busy: Style::new()
                    .fg(Color::LightYellow)
                    .add_modifier(Modifier::BOLD),
                hot: Style::new()
                    .fg(Color::Black)
                    .bg(Color::LightRed)
                    .add_modifier(Modifier::BOLD),
                down: Style::new()
                    .fg(Color::White)
                    .bg(Color::Red)
                    .add_modifier(Modifier::BOLD | Modifier::CROSSED_OUT),
                idle: Style::new().fg(Color::Gray),
                region_frame: Style::new()
                    .fg(Color::LightBlue)
                    .add_modifier(Modifier::BOLD),
                az_frame: Style::new().fg(Color::White),
                edge: Style::new().fg(Color::White),
                selected: Style::new().fg(Color::Black).bg(Color::LightCyan),
                key: Style::new()
                    .fg(Color::LightCyan)
                    .add_modifier(Modifier::BOLD),
                bar: Style::new().fg(Color::White).bg(Color::Black),
            },
            ThemeName::Monochrome => {
                let plain = Style::new();
                Self {
                    name,
                    text: plain,
                    dim: plain.add_modifier(Modifier::DIM),
                    title: plain.add_modifier(Modifier::BOLD),
                    accent: plain.add_modifier(Modifier::BOLD),
                    ok: plain,
                    busy: plain.add_modifier(Modifier::UNDERLINED),
                    hot: plain.add_modifier(Modifier::BOLD | Modifier::REVERSED),
                    down: plain.add_modifier(Modifier::CROSSED_OUT | Modifier::DIM),
                    idle: plain.add_modifier(Modifier::DIM),
                    region_frame: plain.add_modifier(Modifier::BOLD),
                    az_frame: plain,
                    edge: plain,
                    selected: plain.add_modifier(Modifier::REVERSED),
                    key: plain.add_modifier(Modifier::BOLD),
                    bar: plain,
                }
            }
        }
    }

    /// The theme the environment asks for: `NO_COLOR` (any value) wins.
    pub fn from_env(high_contrast: bool) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Self::new(match (no_color, high_contrast) {
            (true, _) => ThemeName::Monochrome,
            (false, true) => ThemeName::HighContrast,
            (false, false) => ThemeName::Default,
        })
    }

    /// The next theme for the theme key (monochrome stays monochrome: `NO_COLOR` was asked for).
    pub fn toggled(self) -> Self {
        match self.name {
            ThemeName::Default => Self::new(ThemeName::HighContrast),
            ThemeName::HighContrast => Self::new(ThemeName::Default),
            ThemeName::Monochrome => self,
        }
    }

    pub fn health(&self, health: Health) -> Style {
        match health {
            Health::Ok => self.ok,
            Health::Busy => self.busy,
            Health::Hot => self.hot,
            Health::Down => self.down,
            Health::Idle => self.idle,
        }
    }

    /// Utilisation as a health: calm below 70 %, busy below 90 %, hot above.
    pub fn utilization_health(u: f64) -> Health {
        if u >= 0.9 {
            Health::Hot
        } else if u >= 0.7 {
            Health::Busy
        } else {
            Health::Ok
        }
    }
}
